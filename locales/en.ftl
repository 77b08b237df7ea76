# Passerelle's interface, in English.
# Tone: plain words, short sentences that say what to do.

## Languages
language-name = English
language-switch = Language
language-option-none = Not specified
language-option-fr = French
language-option-en = English
language-option-es = Spanish
language-option-de = German
language-option-it = Italian
language-option-pt = Portuguese
language-option-ar = Arabic

## Dates
date-time = { $day } { $month } { $year } at { $time } UTC
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Layout
skip-to-content = Skip to content
nav-label = Main menu
nav-home = Home
nav-my-profile = My profile
nav-follow-requests = Follow requests
nav-settings = Settings
nav-logout = Log out
nav-login = Log in
nav-register = Sign up
search-label = Find someone
search-button = Search
footer-text = { $name } is part of a network of independent servers that talk to each other.
footer-partners = Our partners
save = Save
cancel = Cancel
older-posts = Older posts
form-has-errors = The form was not sent: please fix what is shown below.

## Home
welcome-title = Welcome
welcome-heading = Welcome to { $name }
welcome-what = Here you can show your path, follow people and share news about your work.
welcome-point-profile = A profile to say who you are and what you can do.
welcome-point-follow = Follow people to see their posts on your home page.
welcome-point-network = You can also follow people who joined other servers of the same network.
welcome-register = Sign up
welcome-login = Log in
home-title = Home
compose-title = Write a post
compose-submit = Publish
feed-title = Latest news
feed-empty = Nothing to read yet. Your posts and those of the people you follow will appear here.
feed-empty-search = Find someone to follow by their address (for example @camille@example.org)

## Posts
field-post-text = Your post
field-visibility = Who can read it?
field-post-language = Language of the post
post-visibility-public = Everyone
post-visibility-unlisted = Everyone, without promoting it
post-visibility-followers = Only the people who follow me
post-visibility-fixed = Who can read it: { $visibility } (this cannot change any more)
post-visibility-tag-followers = For followers
post-visibility-tag-unlisted = Not promoted
post-edited = Edited
post-edit = Edit
post-delete = Delete
post-origin = See on { $host }
post-title = Post by { $name }
post-more-by = All posts by { $name }
post-edit-title = Edit the post
post-edit-intro = The people who follow you will see the new version.
post-delete-title = Delete the post
post-delete-question = Do you really want to delete this post? It will disappear here and for the people who follow you. You will not be able to get it back.
post-delete-confirm = Yes, delete it
post-delete-keep = No, keep it

## Sign up and log in
register-title = Sign up
register-intro = All you need is a username and a password. You will fill in your profile afterwards.
register-closed = This server does not accept sign-ups at the moment. To get an account, ask the people who run it.
register-have-account = Already have an account? Log in
register-submit = Create my account
login-title = Log in
login-submit = Log in
login-no-account = No account yet? Create one
login-error-wrong = The username or the password is not right. Check them and try again.
login-error-suspended = This account is suspended. Contact the people who run this server.
field-username = Username
hint-username = Letters without accents, digits and _ (underscore). This is what others will type to find you.
field-password = Password
hint-new-password = At least { $count } characters. A sentence you remember easily makes a good password.
field-email-optional = Email address (optional)
hint-email = It stays private. It will help if you forget your password.
field-invitation = Invitation code
hint-invitation = This server welcomes new members by invitation. A member or the team gave you this code.

## Settings
settings-nav-label = Settings
settings-profile-tab = My profile
settings-password-tab = Password
profile-edit-title = Edit my profile
profile-saved = Your profile is saved.
profile-see-mine = See my profile
field-display-name = Display name
hint-display-name = Your first and last name, or the name people know you by.
field-bio = About you
hint-bio = A few lines about you: your job, what you are looking for, what you like doing. Leave an empty line to start a new paragraph.
field-avatar-url = Address of your picture
hint-avatar-url = The address of a picture already online, starting with https://. You can leave it empty.
field-locked = Approve each new follower
hint-locked = If you tick this box, people who want to follow you ask you first.
password-title = Change password
password-saved = Your password is changed. Your other sessions were closed.
password-submit = Change the password
field-current-password = Current password
field-new-password = New password
field-new-password-confirm = New password, once more

## Profiles
avatar-alt = Picture of { $name }
profile-origin = Member of { $host }, another server of the network
profile-locked = Approves each follower
profile-followers = { $count ->
    [one] { $count } follower
   *[other] { $count } followers
}
profile-following = { $count ->
    [one] { $count } following
   *[other] { $count } following
}
profile-edit-link = Edit my profile
profile-login-to-follow = Log in to follow this person
profile-see-on-origin = See the full profile on { $host }
profile-posts = Posts
profile-no-posts = No posts yet.
profile-no-posts-own = You have not published anything yet. From the home page, write a first post: news about your work, a question, a wish.
profile-no-posts-remote = No posts received here yet. Follow this person to receive their next posts.
follow = Follow
follow-ask = Ask to follow
follow-pending = Your request is waiting for an answer.
follow-cancel = Cancel the request
follow-following = You follow this person.
unfollow = Unfollow

## Follow requests
requests-title = Follow requests
requests-intro = These people want to follow you. If you accept, they will also see your followers-only posts.
requests-empty = No requests waiting.
requests-not-locked = For now, anyone can follow you without asking.
requests-change-setting = Change this setting
requests-accept = Accept
requests-accept-label = Accept { $name }
requests-refuse = Refuse
requests-refuse-label = Refuse { $name }

## Search
search-title = Find someone
search-intro = Everyone has an address, like @camille@example.org: their name, then the name of their server. For someone here, the name is enough.
search-field = Their address
search-hint = For example @camille@example.org, or just camille for someone here.
search-error-invalid = This address is not complete. It looks like @camille@example.org: a name, an @, then the name of the server.
search-error-not-found = Nobody has the address { $handle }. Check the spelling, or ask them for their exact address.
search-error-unreachable = The server { $host } does not answer. Check the spelling of the address, or try again later.

## Field errors (error-<field>-<code>)
error-username-empty = Choose a username.
error-username-too-long = A username has at most { $username_max } characters.
error-username-characters = Use only letters without accents, digits and _ (underscore).
error-username-reserved = This name is reserved. Please choose another one.
error-username-taken = This username is already taken. Please choose another one.
error-password-too-short = The password needs at least { $password_min } characters.
error-password-too-long = This password is too long.
error-email-invalid = This email address does not look right.
error-invitation-invalid = This invitation code is not valid: it is wrong, already used or too old.
error-invitation-required = You need an invitation code to join here. Ask a member or the team for one.
error-display-name-too-long = The display name has at most { $name_max } characters.
error-bio-too-long = The presentation has at most { $bio_max } characters.
error-avatar-url-invalid = The picture address must start with https://.
error-text-empty = Write something before publishing.
error-text-too-long = A post has at most { $post_max } characters.
error-visibility-unknown = Choose who can read the post.
error-visibility-immutable = Who can read a published post cannot be changed.
error-language-invalid = Choose the language from the list.
error-new-password-too-short = The new password needs at least { $password_min } characters.
error-new-password-too-long = This password is too long.
error-new-password-confirm-mismatch = The two new passwords are not the same.
error-current-password-wrong = The current password is not right.
error-target-follow-self = You cannot follow yourself.

## Error pages
error-back-home = Back to the home page
error-details = Technical details
error-title-400 = Request not understood
error-text-400 = The server did not understand this request. Go back to the previous page and try again.
error-title-401 = Please log in
error-text-401 = Log in to see this page.
error-title-403 = Not allowed
error-text-403 = You are not allowed to do this.
error-title-404 = Page not found
error-text-404 = This page does not exist, or you cannot see it. Check the address.
error-title-409 = Already done
error-text-409 = This already exists. Go back and check.
error-title-413 = Too long
error-text-413 = What you sent is too long. Make it shorter and try again.
error-title-422 = Cannot do this
error-text-422 = This request cannot be completed. Go back and check what you typed.
error-title-500 = Something went wrong
error-text-500 = Something went wrong on our side. Please try again in a moment.
error-title-502 = Another server does not answer
error-text-502 = A server of the network did not answer properly. Please try again later.
error-title-503 = Temporarily unavailable
error-text-503 = The server is temporarily unavailable. Please try again in a few minutes.
error-title-csrf = This form has expired
error-text-csrf = This form is no longer valid, for example because you logged in again in the meantime. Go back, reload the page and try again. Your browser must accept cookies from this site.

## Partners
partners-title = Partners
partners-intro = { $name } works with these networks: their members and ours can follow each other and take part together.
partners-empty = This network has no partners yet.
