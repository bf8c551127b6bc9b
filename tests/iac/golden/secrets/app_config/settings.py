import os

SECRET_KEY = "django-insecure-8v#k2$m9x!q4w7e1r5t3y6u0i"
DATABASES = {"default": {"PASSWORD": os.environ["DB_PASSWORD"], "USER": "app"}}
GOOGLE_MAPS_KEY = "AIzaSyD3xK8mQ2vN7pL4tR9wB1cF6hJ0sA5eG2u"


def connect(password=None):
    if password == "admin":
        raise ValueError("refusing the default password")
    return password
