"""Connectors: fetch each publisher's own release and read it into a dataset's columns.

One module per platform, chosen by the ``platform`` of a dataset's ``source:`` block:
``phs_ckan`` (PHS Open Data, CKAN), ``nrs_workbook`` (NRS accessible-spreadsheet
workbooks), ``nrs_csv`` (an NRS annual series as a CSV table), ``sg_workbook`` (Scottish
Government workbooks) and ``sg_cube`` (statistics.gov.scot). Each module offers
``read(content, source, geography, name)``, which needs no network and returns the rows in
the dataset's layout, and may offer ``fetch(source, http, progress) -> Release``.
``registry`` finds a platform's module when first asked and fetches a release through it
(or by the newest edition's address, or a SPARQL query); ``http`` makes every request
(timeout, bounded retries, size limit, truncation refused); ``areas`` reads a publisher's
area codes and names through the geography; ``rows`` keeps and folds rows.
"""
