"""A deterministic, seeded demo "book" of SaaS accounts.

``write_demo(db_path)`` generates it and loads it into a database (the
``demo`` command and the app's first start).

``generate_book(out_dir)`` writes three CSV files in the input format of the
data contract (shared/docs/data-contract.md) and returns their paths:

``accounts.csv`` -- one row per account, columns in this order:
    ``account_id,name,segment,region,industry,csm_owner,renewal_date,executive_sponsor``

    * ``account_id``: ``A`` + a zero-padded number (``A00001``); the width is
      at least 5 digits and grows to fit ``n_accounts``.
    * ``name``: a readable company name, unique by construction.  A few names
      (at most 3) contain ``&`` or an apostrophe on purpose, as real books do.
    * ``segment``: ``SMB`` / ``Mid-Market`` / ``Enterprise`` (~55/30/15 %).
    * ``region``: ``NA``, ``EMEA``, ``APAC``, ``LATAM``.
    * ``industry``: one of eight industries.
    * ``csm_owner``: one of ten customer success managers.  Enterprise goes
      mostly to three senior CSMs, SMB to the junior ones.
    * ``renewal_date``: ``YYYY-MM-DD``, the next anniversary of the account's
      (latest) contract start strictly after the last day of the as-of month;
      blank for accounts not active in the as-of month (churned).
    * ``executive_sponsor``: a name for most large Enterprise accounts and some
      Mid-Market ones; blank otherwise.

``mrr.csv`` -- ``account_id,product,month,mrr``: ``month`` is ``YYYY-MM``,
    ``mrr`` a positive number with two decimals.  Only rows with MRR > 0 (a
    missing row means 0); sorted by account_id, month, product (by name).

``signals.csv`` -- ``account_id,month,seats_licensed,active_users,support_tickets,nps``:
    one row per account and month in which the account is active (MRR > 0).
    ``seats_licensed`` = Core seats (Core MRR = seats x price per seat);
    ``active_users`` is an integer, normally <= seats_licensed, but a small
    share of rows (~1-2 %, healthy accounts using more than they pay for, the
    "true-up" case) sit up to 10 % above it; ``support_tickets`` an integer
    >= 0; ``nps`` 0..10, or blank when the account gave no survey response that
    month (about one month in four).

Where it lives: ``catalogue`` (names, segments, regions, owners, prices and
shares), ``accounts`` (drawing each account's attributes), ``parameters``
(churn, expansion and health rates), ``state`` and ``simulation`` (the months,
one function per numbered step), ``book`` (writing the files and the
database). How the book is simulated (all accounts at once, month by month,
numpy only):

* Months are the ``n_months`` calendar months ending at ``as_of``.  About 40 %
  of accounts exist in the first month (the installed base, some already with
  add-ons); the others start later, with a mildly rising new-logo rate.
* Every account lands with the first product (Core); the other products are
  add-ons, cross-sold over time and sometimes dropped, rarely swapped.
* Each account has a latent health that drifts (AR(1) plus occasional
  multi-month decline or recovery episodes).  Churn, contraction, expansion
  and cross-sell probabilities in month t are drawn from the health in month
  t-1 (plus segment base rates and the contract-anniversary month), and the
  signals of month t-1 are noisy readings of that same health.  So signals lead
  outcomes statistically, never deterministically.
* Churned accounts sometimes (about one in ten) come back 2-9 months later.

Same arguments => byte-identical files.  Nothing depends on today's date.
"""
from .book import generate_book, write_demo
from .catalogue import CSM_OWNERS, DEMO_AS_OF, DEMO_PRODUCTS, DEMO_SEED, EXECUTIVES, INDUSTRIES, REGIONS, SEGMENTS

__all__ = ["CSM_OWNERS", "DEMO_AS_OF", "DEMO_PRODUCTS", "DEMO_SEED", "EXECUTIVES", "INDUSTRIES", "REGIONS",
           "SEGMENTS", "generate_book", "write_demo"]
