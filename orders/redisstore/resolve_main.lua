return resolve(KEYS, ARGV)
