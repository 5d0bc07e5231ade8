"""Copy composed from data and slots.

Facts (offer, product, dates, CTA, brand, opt-out) are rendered from the campaign and catalog; the model
writes only short free-text slots, constrained at decode time.
"""
