"""Offline targeting: uplift learners, off-policy estimators, allocation and policy plans."""
