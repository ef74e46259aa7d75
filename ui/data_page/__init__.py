"""The Data page's views: access, uploads and their roles, check and preview,
publish, and the load history with rollback (pages/data_page.py routes)."""
