"""Labels to scan (issue 16.5): a QR code per item of its scan address, `/i/<item id>`.

scan.py decides where a scan lands (a read: one GetItem); qr.py draws the code (segno, imported
only there, never at cold start); views.py serves the scan address, the staff labels sheet (a
page of the catalogue index, catalogue/listing.py) and one item's label.
"""
