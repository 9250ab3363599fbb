print("swiftvirt")
