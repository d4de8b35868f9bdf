"""Schedule: milestones and stage gates, progress records."""
