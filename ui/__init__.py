"""The app side: the only place that joins Streamlit (caching, widgets) to nrr_core."""
