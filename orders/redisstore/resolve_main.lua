return resolve(0, 0)
