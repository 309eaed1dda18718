"""Text analysis: Arabic normalisation and light stemming, Latin folding, Whoosh analyzers."""
