return place(KEYS, ARGV)
