"""Schedule and money: budgets, costs and the earned-value engine."""
