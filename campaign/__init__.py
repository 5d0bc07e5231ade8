"""Campaign runs: audience under budget, concurrent generation, exactly-once resumable, delivery plan."""
