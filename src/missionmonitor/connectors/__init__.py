"""Connectors: read each publisher's own release into a dataset's declared columns.

One module per platform, chosen by the ``platform`` of a dataset's ``source:`` block:
``phs_ckan`` (PHS Open Data, CKAN), ``nrs_workbook`` (NRS accessible-spreadsheet
workbooks), ``sg_workbook`` (Scottish Government workbooks) and ``sg_cube``
(statistics.gov.scot). Each module offers ``read(content, source, geography, name)``, which
needs no network and returns the rows in the dataset's layout, and the update service
fetches through ``connectors.http``.
"""
