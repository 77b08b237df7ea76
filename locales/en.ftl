nav-home = Home
