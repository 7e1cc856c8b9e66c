"""Tickets: work orders and their life cycle, drafts made from voicemails, numbering, transfers."""
