"""The /drivers page's views ("What makes customers stick"), one module each,
drawn by pages/drivers_page.py: the journey (``journey_view``), early adoption
(``adoption_view``), retention drivers (``drivers_view``) and the customer's
voice (``voice_view``). Each takes what it needs as arguments."""
