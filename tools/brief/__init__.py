"""Reading a marketer's brief: offers, audience rules, catalog words and occasions."""
