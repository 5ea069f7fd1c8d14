"""Chapters: typed slices of a hearing's lines with titles, summaries and bullets.

`step.CHAPTER_STAGE` is the stage; `llm_chapterer` and `offline` are the two chapterers.
"""
