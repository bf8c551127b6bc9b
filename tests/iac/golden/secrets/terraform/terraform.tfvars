environment  = "prod"
db_password  = "Pr0d-Db-Passw0rd"
api_token    = "changeme"
github_token = "ghp_9xQ2mV7kR4tW1zY8bN3cF6hJ0dL5sA2eP4uI"
