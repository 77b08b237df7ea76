nav-home = Accueil
