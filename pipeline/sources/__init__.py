"""Where hearings come from: the Legistar calendar, Viebit video pages and the bundled roster."""
