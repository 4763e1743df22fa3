-- 0014: /metrics counts open and overdue cases by tier at every scrape. This
-- index holds only open cases, with the columns the count reads, so the
-- count reads the backlog and never the closed cases, which only grow.
CREATE INDEX cases_open_tier ON cases (state, tier, resolve_by)
    WHERE state IN ('registered', 'dispatched', 'accepted', 'contacted', 'reopened');
