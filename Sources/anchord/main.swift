print("anchord")
