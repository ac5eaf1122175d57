"""How the cookie models are watched after release: drift of the daily customers and
predictions, accuracy once predicted customers have ordered, and how far a bake plan may be off.
Plain pandas and scipy, no Dagster."""
