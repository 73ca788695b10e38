"""Reports: self-contained HTML, GEXF and CSV exports of Findings."""
