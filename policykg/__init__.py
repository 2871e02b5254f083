"""policykg: a comparative knowledge graph of cross-border e-commerce subsidy policies."""
