print("cartoonify-server")
