# Interface de Passerelle, en français.
# Ton : des mots simples, « vous », des phrases courtes qui disent quoi faire.

## Langues
language-name = Français
language-switch = Langue
language-option-none = Non précisée
language-option-fr = français
language-option-en = anglais
language-option-es = espagnol
language-option-de = allemand
language-option-it = italien
language-option-pt = portugais
language-option-ar = arabe

## Dates
date-time = { $day } { $month } { $year } à { $time } UTC
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

## Mise en page
skip-to-content = Aller au contenu
nav-label = Menu principal
nav-home = Accueil
nav-my-profile = Mon profil
nav-follow-requests = Demandes d’abonnement
nav-settings = Réglages
nav-logout = Se déconnecter
nav-login = Se connecter
nav-register = Créer un compte
search-label = Trouver une personne
search-button = Chercher
footer-text = { $name } fait partie d’un réseau de serveurs indépendants qui communiquent entre eux.
footer-partners = Nos partenaires
save = Enregistrer
cancel = Annuler
older-posts = Messages plus anciens
form-has-errors = Le formulaire n’a pas été envoyé : corrigez ce qui est indiqué ci-dessous.

## Accueil
welcome-title = Bienvenue
welcome-heading = Bienvenue sur { $name }
welcome-what = Ici, vous pouvez présenter votre parcours, suivre des personnes et partager des nouvelles de votre travail.
welcome-point-profile = Un profil pour dire qui vous êtes et ce que vous savez faire.
welcome-point-follow = Suivez des personnes pour voir leurs messages sur votre page d’accueil.
welcome-point-network = Vous pouvez aussi suivre des personnes inscrites sur d’autres serveurs du même réseau.
welcome-register = Créer un compte
welcome-login = Se connecter
home-title = Accueil
compose-title = Écrire un message
compose-submit = Publier
feed-title = Les dernières nouvelles
feed-empty = Rien à lire pour l’instant. Vos messages et ceux des personnes que vous suivez apparaîtront ici.
feed-empty-search = Trouver une personne à suivre avec son adresse (par exemple @camille@exemple.org)

## Messages
field-post-text = Votre message
field-visibility = Qui peut le lire ?
field-post-language = Langue du message
post-visibility-public = Tout le monde
post-visibility-unlisted = Tout le monde, sans le mettre en avant
post-visibility-followers = Seulement les personnes qui me suivent
post-visibility-fixed = Qui peut le lire : { $visibility } (cela ne peut plus changer)
post-visibility-tag-followers = Pour les abonnés
post-visibility-tag-unlisted = Non mis en avant
post-edited = Modifié
post-edit = Modifier
post-delete = Supprimer
post-origin = Voir sur { $host }
post-title = Message de { $name }
post-more-by = Tous les messages de { $name }
post-edit-title = Modifier le message
post-edit-intro = Les personnes qui vous suivent verront la nouvelle version.
post-delete-title = Supprimer le message
post-delete-question = Voulez-vous vraiment supprimer ce message ? Il disparaîtra ici et chez les personnes qui vous suivent. Vous ne pourrez pas le récupérer.
post-delete-confirm = Oui, supprimer
post-delete-keep = Non, le garder

## Inscription et connexion
register-title = Créer un compte
register-intro = Il suffit d’un nom d’utilisateur et d’un mot de passe. Vous compléterez votre profil ensuite.
register-closed = Ce serveur n’accepte pas d’inscriptions pour le moment. Pour avoir un compte, demandez aux personnes qui s’en occupent.
register-have-account = Vous avez déjà un compte ? Connectez-vous
register-submit = Créer mon compte
login-title = Se connecter
login-submit = Se connecter
login-no-account = Pas encore de compte ? Créez-en un
login-error-wrong = Le nom d’utilisateur ou le mot de passe n’est pas le bon. Vérifiez-les et réessayez.
login-error-suspended = Ce compte est suspendu. Contactez les personnes qui s’occupent de ce serveur.
field-username = Nom d’utilisateur
hint-username = Lettres sans accents, chiffres et _ (tiret bas). C’est ce que les autres taperont pour vous trouver.
field-password = Mot de passe
hint-new-password = Au moins { $count } caractères. Une phrase facile à retenir fait un bon mot de passe.
field-email-optional = Adresse e-mail (facultative)
hint-email = Elle reste privée. Elle servira à vous aider si vous oubliez votre mot de passe.
field-invitation = Code d’invitation
hint-invitation = Ce serveur accueille les nouveaux membres sur invitation. Un membre ou l’équipe vous a donné ce code.

## Réglages
settings-nav-label = Réglages
settings-profile-tab = Mon profil
settings-password-tab = Mot de passe
profile-edit-title = Modifier mon profil
profile-saved = Votre profil est enregistré.
profile-see-mine = Voir mon profil
field-display-name = Nom affiché
hint-display-name = Votre prénom et votre nom, ou le nom sous lequel on vous connaît.
field-bio = Présentation
hint-bio = Quelques lignes sur vous : votre métier, ce que vous cherchez, ce que vous aimez faire. Laissez une ligne vide pour changer de paragraphe.
field-avatar-url = Adresse de votre photo
hint-avatar-url = L’adresse d’une image déjà en ligne, qui commence par https://. Vous pouvez la laisser vide.
field-locked = Valider chaque nouvel abonné
hint-locked = Si vous cochez cette case, les personnes qui veulent vous suivre vous le demandent d’abord.
password-title = Changer de mot de passe
password-saved = Votre mot de passe est changé. Vos autres connexions ont été fermées.
password-submit = Changer le mot de passe
field-current-password = Mot de passe actuel
field-new-password = Nouveau mot de passe
field-new-password-confirm = Nouveau mot de passe, encore une fois

## Profils
avatar-alt = Photo de { $name }
profile-origin = Membre de { $host }, un autre serveur du réseau
profile-locked = Valide chaque abonné
profile-followers = { $count ->
    [one] { $count } abonné
   *[other] { $count } abonnés
}
profile-following = { $count ->
    [one] { $count } abonnement
   *[other] { $count } abonnements
}
profile-edit-link = Modifier mon profil
profile-login-to-follow = Connectez-vous pour suivre cette personne
profile-see-on-origin = Voir le profil complet sur { $host }
profile-posts = Messages
profile-no-posts = Pas encore de message.
profile-no-posts-own = Vous n’avez encore rien publié. Depuis l’accueil, écrivez un premier message : une nouvelle de votre travail, une question, une envie.
profile-no-posts-remote = Aucun message reçu ici pour l’instant. Suivez cette personne pour recevoir ses prochains messages.
follow = Suivre
follow-ask = Demander à suivre
follow-pending = Votre demande attend une réponse.
follow-cancel = Annuler la demande
follow-following = Vous suivez cette personne.
unfollow = Ne plus suivre

## Demandes d’abonnement
requests-title = Demandes d’abonnement
requests-intro = Ces personnes veulent vous suivre. Si vous acceptez, elles verront aussi vos messages réservés aux abonnés.
requests-empty = Aucune demande en attente.
requests-not-locked = Pour l’instant, tout le monde peut vous suivre sans demander.
requests-change-setting = Changer ce réglage
requests-accept = Accepter
requests-accept-label = Accepter { $name }
requests-refuse = Refuser
requests-refuse-label = Refuser { $name }

## Recherche
search-title = Trouver une personne
search-intro = Chaque personne a une adresse, comme @camille@exemple.org : son nom, puis le nom de son serveur. Pour quelqu’un d’ici, le nom suffit.
search-field = Adresse de la personne
search-hint = Par exemple @camille@exemple.org, ou simplement camille pour quelqu’un d’ici.
search-error-invalid = Cette adresse n’est pas complète. Elle ressemble à @camille@exemple.org : un nom, un @, puis le nom du serveur.
search-error-not-found = Personne n’a l’adresse { $handle }. Vérifiez l’orthographe, ou demandez-lui son adresse exacte.
search-error-unreachable = Le serveur { $host } ne répond pas. Vérifiez l’orthographe de l’adresse, ou réessayez plus tard.

## Erreurs de champ (error-<champ>-<code>)
error-username-empty = Choisissez un nom d’utilisateur.
error-username-too-long = Un nom d’utilisateur a au plus { $username_max } caractères.
error-username-characters = Utilisez seulement des lettres sans accents, des chiffres et _ (tiret bas).
error-username-reserved = Ce nom est réservé. Choisissez-en un autre.
error-username-taken = Ce nom d’utilisateur est déjà pris. Choisissez-en un autre.
error-password-too-short = Le mot de passe doit avoir au moins { $password_min } caractères.
error-password-too-long = Ce mot de passe est trop long.
error-email-invalid = Cette adresse e-mail ne semble pas correcte.
error-invitation-invalid = Ce code d’invitation n’est pas valable : il est faux, déjà utilisé ou trop ancien.
error-invitation-required = Il faut un code d’invitation pour s’inscrire ici. Demandez-en un à un membre ou à l’équipe.
error-display-name-too-long = Le nom affiché a au plus { $name_max } caractères.
error-bio-too-long = La présentation a au plus { $bio_max } caractères.
error-avatar-url-invalid = L’adresse de la photo doit commencer par https://.
error-text-empty = Écrivez quelque chose avant de publier.
error-text-too-long = Un message a au plus { $post_max } caractères.
error-visibility-unknown = Choisissez qui peut lire le message.
error-visibility-immutable = On ne peut plus changer qui peut lire un message déjà publié.
error-language-invalid = Choisissez la langue dans la liste.
error-new-password-too-short = Le nouveau mot de passe doit avoir au moins { $password_min } caractères.
error-new-password-too-long = Ce mot de passe est trop long.
error-new-password-confirm-mismatch = Les deux nouveaux mots de passe ne sont pas identiques.
error-current-password-wrong = Le mot de passe actuel n’est pas le bon.
error-target-follow-self = Vous ne pouvez pas vous suivre vous-même.

## Pages d’erreur
error-back-home = Revenir à l’accueil
error-details = Détails techniques
error-title-400 = Demande incomprise
error-text-400 = Le serveur n’a pas compris cette demande. Revenez à la page précédente et réessayez.
error-title-401 = Connexion nécessaire
error-text-401 = Connectez-vous pour voir cette page.
error-title-403 = Accès refusé
error-text-403 = Vous n’avez pas le droit de faire cela.
error-title-404 = Page introuvable
error-text-404 = Cette page n’existe pas, ou vous ne pouvez pas la voir. Vérifiez l’adresse.
error-title-409 = Déjà fait
error-text-409 = Cela existe déjà. Revenez en arrière et vérifiez.
error-title-413 = Trop long
error-text-413 = Ce que vous avez envoyé est trop long. Raccourcissez-le et réessayez.
error-title-422 = Demande impossible
error-text-422 = Cette demande ne peut pas aboutir. Revenez en arrière et vérifiez ce que vous avez saisi.
error-title-500 = Un problème est survenu
error-text-500 = Quelque chose s’est mal passé de notre côté. Réessayez dans un moment.
error-title-502 = Un autre serveur ne répond pas
error-text-502 = Un serveur du réseau n’a pas répondu correctement. Réessayez plus tard.
error-title-503 = Service momentanément indisponible
error-text-503 = Le serveur est momentanément indisponible. Réessayez dans quelques minutes.
error-title-csrf = Formulaire expiré
error-text-csrf = Ce formulaire n’est plus valable, par exemple parce que vous vous êtes reconnecté entre-temps. Revenez en arrière, rechargez la page et réessayez. Votre navigateur doit accepter les cookies de ce site.

## Partenaires
partners-title = Partenaires
partners-intro = { $name } travaille avec ces réseaux : leurs membres et les nôtres peuvent se suivre et participer ensemble.
partners-empty = Ce réseau n’a pas encore de partenaires.
