"""The demo book's catalogue: who the accounts are and what they pay.

Names of segments, regions, industries, CSM owners and executive sponsors;
each attribute's share of the book; the words company names are made of; and
the economics per segment (landing MRR, Core list prices per seat, add-on
prices as a share of Core). Arrays indexed by segment are in ``SEGMENTS``
order (SMB, Mid-Market, Enterprise). Changing any value here changes the demo
book: its tests pin the shares and the seeded bytes.
"""
from __future__ import annotations

import numpy as np

DEMO_SEED = 20261124
DEMO_AS_OF = "2026-10"  # fixed, so the demo never depends on today's date
DEMO_PRODUCTS = ("Core", "Analytics", "Automation", "Security")

SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
REGIONS = ("NA", "EMEA", "APAC", "LATAM")
INDUSTRIES = (
    "Software", "Financial Services", "Healthcare", "Retail",
    "Manufacturing", "Education", "Media", "Logistics",
)
# Senior CSMs first (they carry Enterprise), then mid-level, then junior.
CSM_OWNERS = (
    "Priya Raman", "Marcus Oyelaran", "Elena Kovacs",
    "Tom Brennan", "Aiko Tanaka", "Diego Fernandes",
    "Sara Lindqvist", "Jamal Carter", "Chloe Martin", "Ravi Menon",
)
EXECUTIVES = (
    "Jordan Ellis", "Maya Goldberg", "Samuel Osei", "Hannah Becker",
    "Luis Ortega", "Grace Liu", "Oliver Grant", "Fatima Haddad",
)

SEGMENT_SHARE = np.array([0.55, 0.30, 0.15])
REGION_SHARE = np.array([0.45, 0.30, 0.15, 0.10])
INDUSTRY_SHARE = np.array([0.20, 0.14, 0.13, 0.12, 0.12, 0.09, 0.08, 0.12])
# P(csm | segment), rows SMB, Mid-Market, Enterprise; columns as CSM_OWNERS.
CSM_WEIGHTS = np.array([
    [0.00, 0.00, 0.00, 0.06, 0.06, 0.06, 0.205, 0.205, 0.205, 0.205],
    [0.02, 0.02, 0.02, 0.22, 0.22, 0.22, 0.075, 0.075, 0.075, 0.075],
    [0.30, 0.30, 0.25, 0.05, 0.05, 0.05, 0.00, 0.00, 0.00, 0.00],
])

# --- company names -----------------------------------------------------------
PREFIXES = (
    "Northwind", "Bluefin", "Kestrel", "Aurora", "Summit", "Cedar", "Harbor",
    "Ironwood", "Granite", "Silverline", "Redwood", "Lakeside", "Brightpath",
    "Crescent", "Evergreen", "Falcon", "Horizon", "Juniper", "Lighthouse",
    "Maple", "Meridian", "Nimbus", "Oakridge", "Pinecrest", "Quarry",
    "Riverstone", "Sable", "Tidewater", "Upland", "Vantage", "Willow",
    "Zenith", "Alder", "Beacon", "Cobalt", "Driftwood", "Ember", "Fjord",
    "Highland", "Indigo", "Jasper", "Keystone", "Larch", "Monarch",
    "Northstar", "Orchard", "Pioneer", "Quill", "Rook", "Sterling",
    "Trident", "Verdant", "Westbrook", "Yarrow", "Acorn", "Basalt",
    "Cascade", "Delta", "Foxglove", "Glacier", "Heron", "Kingfisher",
    "Lumen", "Mosaic", "Nova", "Osprey", "Peregrine", "Radiant", "Saffron",
    "Topaz", "Vista", "Wren", "Atlas", "Bramble", "Copper", "Dune", "Flint",
    "Garnet", "Halcyon", "Iris", "Lark", "Magnolia", "Onyx", "Pebble",
    "Raven", "Sparrow", "Thistle", "Alpine", "Birchwood", "Canyon",
    "Dovetail", "Everest", "Fairhaven", "Greystone", "Hawthorn", "Ivybridge",
    "Kinsale", "Longview", "Millbrook", "Oakmont",
)
# Industry-specific name nouns; disjoint across industries, so a (prefix,
# noun) pair is unique within the whole book once it is unique per industry.
NOUNS = {
    "Software": ("Software", "Data", "Systems", "Cloud", "Digital", "Labs",
                 "Networks", "Computing"),
    "Financial Services": ("Capital", "Financial", "Bank", "Insurance",
                           "Credit Union", "Wealth", "Payments", "Lending"),
    "Healthcare": ("Health", "Medical", "Clinics", "Care", "Pharma",
                   "Diagnostics", "Biosciences", "Dental"),
    "Retail": ("Outfitters", "Markets", "Goods", "Apparel", "Home",
               "Grocers", "Boutique", "Furnishings"),
    "Manufacturing": ("Manufacturing", "Industries", "Components",
                      "Fabrication", "Machinery", "Plastics", "Metals",
                      "Robotics"),
    "Education": ("Academy", "Learning", "College", "Schools", "Education",
                  "Tutoring", "Institute", "Campus"),
    "Media": ("Media", "Studios", "Publishing", "Broadcasting", "Press",
              "Films", "Records", "Entertainment"),
    "Logistics": ("Logistics", "Freight", "Shipping", "Transport",
                  "Couriers", "Supply", "Haulage", "Cargo"),
}
# Distinguishing words, used only once the plain (prefix, noun) pairs of an
# industry run out (large books); none of them is a prefix, noun or suffix.
DISTINGUISHERS = (
    "Group", "Partners", "Holdings", "Solutions", "Services", "Worldwide",
    "International", "Global", "United", "Alliance", "Collective", "Ventures",
    "Works", "Company", "Pacific", "Atlantic", "Central", "Coastal",
    "Continental", "Northern", "Southern", "Eastern", "Western", "Metro",
    "Union", "Associates", "Enterprises", "Brothers", "Direct", "One",
)
# Legal-form suffix by region ("" = none); it never decides uniqueness.
SUFFIXES = {
    "NA": ("", "", "Inc", "LLC", "Corp", "Co"),
    "EMEA": ("", "Ltd", "GmbH", "SA", "AG", "BV", "plc"),
    "APAC": ("", "Pty", "Pte Ltd", "KK", "Ltd"),
    "LATAM": ("", "SA", "Ltda", "SA de CV", "SAS"),
}
# Plain-text names with '&' and an apostrophe: real books have them and the
# app must show them correctly.  Their first words are not in PREFIXES, so
# they cannot collide with generated names.
SPECIAL_NAMES = {
    "Logistics": "O'Brien & Sons Freight",
    "Retail": "Baker & Pike Outfitters",
    "Healthcare": "D'Souza Family Clinics",
}

# --- economics, per segment (index 0 SMB, 1 Mid-Market, 2 Enterprise) --------
# Landing MRR: lognormal(median, sigma) truncated to the segment's range.
START_MEDIAN = np.array([600.0, 5200.0, 9000.0])
START_SIGMA = np.array([0.50, 0.45, 0.42])
START_MIN = np.array([200.0, 1500.0, 8000.0])
START_MAX = np.array([1500.0, 8000.0, 60000.0])
# Core list prices per seat per month (whole currency units).
PRICE_POINTS = np.array([
    [29, 35, 39, 45, 49],
    [45, 55, 59, 65, 69],
    [60, 70, 75, 85, 95],
])
# Add-on price per seat as a share of the Core price per seat.
ADDON_PRICE_SHARE = {"Analytics": 0.30, "Automation": 0.25, "Security": 0.20}
ADDON_PRICE_SHARE_DEFAULT = 0.25
