"""The steering pages' views: CSM scorecards (``scorecards_view``), targets
(``targets_view``, and ``overlay`` for the overview's tiles and trend), the
renewal calendar (``renewals_view``), and their data (``data``)."""
