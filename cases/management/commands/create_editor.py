import getpass
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.roles import EDITOR, REVIEWER, sync_roles

ROLES = {"editor": EDITOR, "reviewer": REVIEWER}


class Command(BaseCommand):
    help = "Create (or update) an admin account for an editor (编辑) or a reviewer (审核)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="default: asked for, or a random one printed once (--no-input)")
        parser.add_argument("--no-input", action="store_true", dest="no_input")

    def handle(self, username, role, email, password, no_input, **options):
        sync_roles()  # the groups exist and have exactly their permissions
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        generated = False
        if password is None and created:
            if no_input:
                password, generated = secrets.token_urlsafe(12), True
            else:
                password = getpass.getpass(f"Password for {username}: ")
        if password is not None:
            try:
                validate_password(password, user)
            except ValidationError as error:
                if created:
                    user.delete()
                raise CommandError("; ".join(error.messages)) from None
            user.set_password(password)
        user.is_staff = True
        if email:
            user.email = email
        user.save()
        user.groups.remove(*Group.objects.filter(name__in=ROLES.values()))
        user.groups.add(Group.objects.get(name=ROLES[role]))
        verb = "created" if created else "updated"
        self.stdout.write(f"create_editor: {verb} {username} as {ROLES[role]} ({role})")
        if generated:
            self.stdout.write(f"create_editor: password (shown once): {password}")
