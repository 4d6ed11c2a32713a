"""Member pages: views, forms and urls. Views parse input, call one service or selector, render."""
