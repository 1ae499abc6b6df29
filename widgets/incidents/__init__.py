"""The dispatcher's incident queue, card and create form."""
