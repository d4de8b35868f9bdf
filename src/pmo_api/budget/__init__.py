"""Money: the time-phased budget baseline and actual costs."""
