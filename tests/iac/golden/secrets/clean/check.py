import os

password = os.environ.get("PASSWORD")
token = get_token()
if password == "admin":
    print("default password in use")
