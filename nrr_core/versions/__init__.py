"""Versions of the book: stage, preview, publish, history, roll back.

``stage`` builds a book from input files (``load.load_book``, every keyword
passed through) into a staging file beside the database; ``preview`` compares
it with the book in force; ``publish`` puts it in force atomically, keeps a
copy under ``versions/`` and appends to the load history; ``rollback`` puts a
kept copy back. The command line's ``load``, ``history`` and ``rollback`` and
the app's Data page all go through these functions. No Streamlit here.
"""
from .history import FileInfo, HistoryStore, Version
from .publishing import (DEFAULT_KEEP, BookFigures, Preview, Staged, book_figures, default_who, history,
                         history_path, preview, publish, rollback, stage, version_file, versions_dir)

__all__ = ["DEFAULT_KEEP", "BookFigures", "FileInfo", "HistoryStore", "Preview", "Staged", "Version",
           "book_figures", "default_who", "history", "history_path", "preview", "publish", "rollback", "stage",
           "version_file", "versions_dir"]
