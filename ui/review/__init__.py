"""The Account review page's views, one module each, drawn by
pages/review_page.py: the board (``board_view``), review mode
(``meeting_view`` with ``decision_form``), the score's back-test
(``score_quality_view``), the roll-ups and churn retrospective
(``rollups_view``) and the decision log (``decisions_view``).

Each view takes what it needs as arguments (the board, filters, month,
currency, period) and reads nothing from the page. ``navigation`` moves
between accounts; ``tables`` holds the column settings the views share.
"""
