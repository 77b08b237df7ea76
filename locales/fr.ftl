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

## Parcours professionnel
nav-people = Personnes
settings-path-tab = Mon parcours
settings-data-tab = Mes données
profile-edit-path-link = Modifier mon parcours
profile-field-headline = En bref
profile-field-seeking = Recherche
profile-field-location = Lieu
profile-field-skills = Compétences
profile-field-languages = Langues
profile-field-link = Lien
profile-skills = Compétences
profile-links = Liens
profile-experiences = Expériences
profile-education = Formations
seeking-job = un emploi
seeking-internship = un stage
seeking-apprenticeship = une alternance
seeking-training = une formation
seeking-volunteering = du bénévolat
seeking-opportunities = ouvert aux opportunités
language-level-native = langue maternelle
language-level-fluent = courant
language-level-professional = professionnel
language-level-intermediate = intermédiaire
language-level-beginner = débutant
experience-kind-job = Emploi
experience-kind-internship = Stage
experience-kind-apprenticeship = Alternance
experience-kind-volunteering = Bénévolat
experience-kind-associative = Engagement associatif
experience-kind-family = Aide familiale
experience-kind-small-job = Job d’été ou petit boulot
experience-kind-training = Formation
experience-kind-project = Projet personnel ou artistique
experience-kind-travel = Voyage
experience-kind-other = Autre
experience-kind-education = Formation
visibility-label = Qui peut le voir
visibility-public = Tout le monde
visibility-followers = Les personnes qui me suivent
visibility-instance = Les membres de ce site
visibility-private = Moi seulement
dates-since = depuis { $start }
dates-ongoing = en cours
dates-range = { $start } – { $end }
dates-until = jusqu’à { $end }
dates-approximate = vers { $dates }
entry-diploma = Diplôme
entry-what-i-did = Ce que j’ai fait
entry-what-i-liked = Ce qui m’a plu, ce qui m’a motivé
entry-skills = Compétences montrées
editor-title = Mon parcours
editor-intro = Racontez votre parcours avec vos mots : vos emplois, mais aussi le bénévolat, l’aide à votre famille, les jobs d’été, les formations, les projets. Tout reste un brouillon tant que vous ne publiez pas.
editor-publish-title = Publier
editor-never-published = Votre parcours n’est pas encore publié : vous seul le voyez.
editor-published-at = Publié pour la dernière fois le { $date }.
editor-unpublished-changes = Vous avez des changements que les autres ne voient pas encore.
editor-publish = Publier mon parcours
editor-preview-intro = Le voir comme :
editor-resume-link = Importer ou exporter un CV JSON Resume
editor-about-title = À propos de moi
hint-headline = Une ligne : qui vous êtes, ce que vous faites ou voulez faire. Par exemple : « Cuisinier, je cherche une alternance en pâtisserie ».
field-city = Ville
field-region = Région
hint-languages = Une langue par ligne, avec votre niveau après deux-points. Par exemple : « Français : langue maternelle ».
hint-skills = Séparez vos compétences par des virgules. Par exemple : soudure, travail en équipe, Excel.
hint-links = Un lien par ligne : un nom, puis l’adresse. Par exemple : « Portfolio https://… ».
field-profile-language = Langue de vos textes
hint-profile-language = fr pour le français, en pour l’anglais, ou le code d’une autre langue.
editor-who-sees = Qui peut le voir
hint-visibility = Choisissez pour chaque partie qui peut la voir. Chaque expérience a son propre choix.
editor-save-draft = Enregistrer le brouillon
editor-experiences-hint = Tout compte : un emploi, un stage, du bénévolat, l’aide apportée à votre famille, un job d’été, un voyage, un projet.
editor-education-hint = Écoles, formations, stages de formation. Un diplôme n’est jamais obligatoire.
editor-no-entries = Rien pour l’instant.
editor-saved = Votre brouillon est enregistré. Publiez-le quand vous êtes prêt.
editor-published = Votre parcours est publié.
editor-imported = Le CV a été ajouté à votre brouillon. Relisez-le, puis publiez.
editor-entry-deleted = L’élément a été retiré de votre brouillon.
editor-back = Retour à mon parcours
edit = Modifier
delete = Supprimer
entry-new-experience = Ajouter une expérience
entry-edit-experience = Modifier une expérience
entry-new-education = Ajouter une formation
entry-edit-education = Modifier une formation
entry-intro = Dites ce que vous avez fait avec vos mots. Seul le titre est obligatoire.
entry-intro-education = Seul ce que vous avez étudié est obligatoire ; un diplôme ne l’est pas.
field-entry-kind = Type d’expérience
field-entry-title = Titre
hint-entry-title = Le rôle ou l’activité, comme vous le diriez : « J’ai aidé dans la boutique de mes parents », « Entraîneur de foot ».
field-entry-organisation = Organisation
hint-entry-organisation = Entreprise, association, famille, école… Vous pouvez laisser vide.
field-education-title = Ce que vous avez étudié ou appris
hint-education-title = Par exemple : « Cuisine », « Français langue étrangère ».
field-education-school = École ou organisme
field-education-diploma = Diplôme obtenu
hint-education-diploma = Laissez vide s’il n’y en a pas eu : ce n’est pas grave.
field-entry-url = Site web
field-entry-place = Lieu
field-entry-dates = Quand
hint-entry-dates = Une année (2019), un mois (2019-07) ou un jour (2019-07-14). Cochez « approximatives » si vous n’êtes pas sûr.
field-entry-start = Début
field-entry-end = Fin
field-entry-ongoing = C’est toujours en cours
field-entry-approximate = Les dates sont approximatives
hint-entry-description = Les tâches, les responsabilités, ce que vous avez réussi.
hint-entry-motivation = Ce que vous avez aimé, ce que vous avez appris sur vous.
hint-entry-skills = Séparez-les par des virgules. Elles permettent aux gens et aux recruteurs de vous trouver.
field-entry-language = Langue de ce texte
hint-entry-language = Laissez vide si c’est la même que pour le reste de votre parcours.
preview-title = Aperçu de mon parcours
preview-choose = Voir comme
preview-as-anonymous = une personne non connectée
preview-as-follower = une personne qui me suit
preview-as-member = un membre de ce site
preview-explain-anonymous = Voici ce que tout le monde voit, y compris les autres serveurs, une fois publié.
preview-explain-follower = Voici ce que voient les personnes qui vous suivent, ici ou sur un autre serveur.
preview-explain-member = Voici ce que voient les membres de ce site, même s’ils ne vous suivent pas.
resume-title = CV JSON Resume
resume-export-title = Exporter
resume-export-intro = Téléchargez votre parcours dans un fichier JSON Resume, un format que beaucoup d’outils savent lire.
resume-export-button = Télécharger mon JSON Resume
resume-import-title = Importer
resume-import-intro = Collez un fichier JSON Resume. Vous verrez ce qui sera ajouté avant que rien ne soit enregistré ; cela va dans votre brouillon.
resume-preview-intro = Voici ce qui sera ajouté à votre brouillon. Confirmez pour l’importer.
field-resume = Contenu du JSON Resume
hint-resume = Ouvrez le fichier .json avec un éditeur de texte, copiez tout et collez-le ici.
resume-import-confirm = Importer dans mon brouillon
resume-import-preview = Voir ce qui sera importé
resume-not-json = Ce n’est pas un fichier JSON valide : { $error }
browse-title = Personnes et compétences
browse-intro = Trouvez des personnes par une compétence qu’elles ont montrée ou par un type d’expérience, sur ce site et sur les sites partenaires qu’il connaît.
browse-tag = Compétence
browse-tag-hint = Par exemple : soudure, garde d’enfants, Excel. Majuscules et accents ne comptent pas.
browse-kind = Type d’expérience
browse-any-kind = Tous les types
browse-button = Chercher
browse-results = { $count ->
    [one] { $count } résultat
   *[other] { $count } résultats
}
browse-nothing = Personne pour l’instant. Essayez une autre compétence, ou moins de mots.
browse-popular = Compétences fréquentes
browse-listed-skill = compétence indiquée
data-title = Mes données
data-archive-title = Télécharger mes données
data-archive-intro = Un seul fichier (.zip) avec votre compte, votre parcours (aussi en JSON Resume), vos messages, les personnes que vous suivez et celles qui vous suivent.
data-archive-button = Télécharger mes données
delete-title = Supprimer mon compte
delete-intro = Votre compte, votre parcours et vos messages sont supprimés, ici et sur les autres serveurs qui les ont reçus. C’est définitif. Téléchargez d’abord vos données si vous voulez les garder.
delete-password = Votre mot de passe, pour confirmer
delete-button = Supprimer définitivement mon compte
account-deleted = Votre compte est supprimé. Au revoir, et merci.
error-title-empty = Donnez-lui un titre, avec vos mots.
error-start-date-invalid = Écrivez la date comme une année (2019), un mois (2019-07) ou un jour (2019-07-14).
error-end-date-invalid = Écrivez la date comme une année (2019), un mois (2019-07) ou un jour (2019-07-14).
error-end-date-before-start = La fin est avant le début.
error-kind-invalid = Choisissez un type d’expérience dans la liste.
error-url-invalid = L’adresse doit commencer par https://.
error-links-invalid = Chaque lien a besoin d’une adresse qui commence par https://.
error-skills-too-long = Une compétence fait au plus 60 caractères.
error-skills-too-many = Il y a trop de compétences ici.
error-headline-too-long = Restez sur une ligne (140 caractères au plus).
error-description-too-long = Ce texte est trop long (5 000 caractères au plus).
error-motivation-too-long = Ce texte est trop long (5 000 caractères au plus).
error-password-wrong = Ce n’est pas votre mot de passe.

## Organisations
nav-organisations = Organisations
organisations-title = Organisations
organisations-intro = Entreprises, associations, agences et centres de formation, ici et sur les sites partenaires. Suivez-les pour avoir de leurs nouvelles.
organisations-mine = Les organisations que je gère
organisations-all = Toutes les organisations connues ici
organisations-none = Aucune organisation pour l’instant.
organisation-new-title = Créer une organisation
organisation-edit-title = Modifier la page
organisation-create = Créer
organisation-badge = Organisation
organisation-origin = Organisation sur { $host }, un autre serveur du réseau
organisation-logo-alt = Logo de { $name }
organisation-sector = Secteur
organisation-size = Taille
organisation-size-unknown = Non précisée
organisation-size-people = { $size } personnes
organisation-location = Lieu
organisation-website = Site web
organisation-team = Équipe
organisation-role = Rôle
organisation-role-owner = responsable
organisation-role-recruiter = recruteur
organisation-add-member = Ajouter un membre de ce site
hint-organisation-add-member = Son nom d’utilisateur sur ce site. Les responsables gèrent tout ; les recruteurs publient les offres d’emploi.
organisation-add = Ajouter à l’équipe
organisation-remove = Retirer
organisation-last-owner = Une organisation garde au moins un responsable : nommez d’abord un autre responsable.
field-organisation-handle = Adresse sur le réseau
hint-organisation-handle = Lettres, chiffres et _ seulement ; elle ne pourra pas changer. Par exemple : restos_lyon.
field-organisation-name = Nom
field-organisation-description = Description
hint-organisation-description = Ce que fait l’organisation, qui elle aide, ce qu’elle cherche.
hint-organisation-sector = Par exemple : restauration, bâtiment, action sociale.
field-organisation-logo = Adresse du logo
error-handle-taken = Cette adresse est déjà prise. Choisissez-en une autre.
error-handle-empty = Choisissez une adresse pour l’organisation.
error-handle-characters = Uniquement des lettres sans accents, des chiffres et _ (tiret bas).
error-handle-reserved = Ce nom est réservé. Choisissez-en un autre.
error-handle-too-long = Cette adresse est trop longue.
error-name-empty = Donnez le nom de l’organisation.

## Partenaires
partners-title = Partenaires
partners-intro = { $name } travaille avec ces réseaux : leurs membres et les nôtres peuvent se suivre et participer ensemble.
partners-empty = Ce réseau n’a pas encore de partenaires.

## Messages, blocks and notifications (issue 7)
nav-messages = Messages
nav-notifications = Notifications
nav-unread = { $count ->
    [one] non lu
   *[other] non lus
}
settings-notifications-tab = Notifications et messages
messages-title = Messages
messages-new = Écrire un message
messages-new-title = Nouveau message
messages-empty = Aucune conversation pour l’instant. Écrivez à quelqu’un depuis son profil ou avec « Écrire un message ».
messages-unread = { $count ->
    [one] { $count } non lu
   *[other] { $count } non lus
}
messages-to = Destinataires
messages-to-hint = Une ou plusieurs adresses, séparées par des virgules : @camille ou @camille@exemple.org
messages-text = Message
messages-private-hint = Seules les personnes choisies peuvent lire ce message, ici ou sur leur serveur.
messages-send = Envoyer
messages-conversation-title = Conversation avec { $names }
messages-with = Avec
messages-history = Messages de la conversation
messages-reply = Votre réponse
messages-leave = Quitter la conversation
messages-leave-hint = Elle disparaît de votre liste et vous ne recevez plus ses messages, jusqu’à ce que vous écriviez à nouveau à ces personnes.
error-to-empty = Choisissez au moins une personne à qui écrire.
error-to-too-many = Un message peut aller à 20 personnes au plus.
error-to-unknown = Personne n’a été trouvé à cette adresse. Vérifiez l’orthographe.
error-to-self = Vous ne pouvez pas vous écrire à vous-même.
error-to-not-a-person = On ne peut écrire qu’à des personnes.
profile-write-message = Écrire un message
profile-blocked = Vous avez bloqué cette personne.
profile-blocked-manage = Gérer les personnes bloquées
block = Bloquer
block-hint = Elle ne pourra plus vous écrire, vous suivre ni lire ce qui n’est pas public ; vos abonnements mutuels prennent fin.
unblock = Débloquer
unblock-label = Débloquer { $name }
blocks-title = Personnes bloquées
blocks-empty = Vous ne bloquez personne.
notifications-title = Notifications
notifications-empty = Aucune notification pour l’instant.
notifications-settings-link = Choisir les notifications
notifications-read-all = Tout marquer comme lu
notifications-read-one = Marquer comme lu
notifications-read-one-label = Marquer comme lu : { $text }
notifications-new = Nouveau
notification-follow = { $name } vous suit.
notification-follow-request = { $name } demande à vous suivre.
notification-follow-accepted = { $name } a accepté votre demande d’abonnement.
notification-mention = { $name } vous mentionne.
notification-reply = { $name } a répondu à votre publication.
notification-message = { $name } vous a écrit.
notification-partnership-request = Le serveur { $name } propose un partenariat.
notification-report = Nouveau signalement à traiter, concernant { $name }.
notification-other = Nouvelle notification.
notification-kind-follow = Nouvel abonné
notification-kind-follow-request = Demande d’abonnement
notification-kind-follow-accepted = Demande acceptée
notification-kind-mention = Mention
notification-kind-reply = Réponse
notification-kind-message = Message
notification-kind-partnership-request = Proposition de partenariat (administration)
notification-kind-report = Signalement (modération)
notification-settings-title = Notifications et messages
notification-settings-saved = Vos choix sont enregistrés.
notification-settings-kinds = Ce dont vous êtes averti
notification-settings-kind = Sujet
notification-settings-shown = Affiché
notification-settings-emailed = Par courriel
notification-settings-email = Courriels
notification-settings-email-off = Ce serveur n’envoie pas de courriels : les notifications restent sur le site.
notification-settings-no-address = Votre compte n’a pas d’adresse électronique : les notifications restent sur le site.
notification-email-off = Pas de courriel
notification-email-immediate = Un courriel à chaque notification
notification-email-daily = Un résumé par jour
notification-settings-save = Enregistrer
error-email-email-off = Ce serveur n’envoie pas de courriels ; parlez-en aux personnes qui le gèrent.
error-email-no-address = Votre compte n’a pas d’adresse électronique où envoyer les notifications.
message-settings = Messages
message-settings-followed-only = Refuser les messages des personnes que je ne suis pas
email-intro = { $count ->
    [one] Vous avez une nouvelle notification sur { $instance } :
   *[other] Vous avez { $count } nouvelles notifications sur { $instance } :
}
email-settings = Pour choisir ce que vous recevez par courriel :
email-subject = { $count ->
    [one] { $instance } : une nouvelle notification
   *[other] { $instance } : { $count } nouvelles notifications
}
email-subject-digest = { $instance } : le résumé du jour ({ $count })
