print("cartoonify")
