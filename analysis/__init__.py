"""Analysis on clause models: similar clauses, drafting by analogy, subsidy estimates."""
