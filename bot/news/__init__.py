"""Community safety news: who subscribes to what, and how items reach them."""
