"""Users, the auth backend, the DynamoDB session store and sign-in throttling."""
