from django.db import transaction

from users.models import User


@transaction.atomic
def user_profile_update(*, user: User, name: str, language: str, phone) -> User:
    user.name = name
    user.language = language
    user.phone = phone
    user.save(update_fields=["name", "language", "phone"])
    return user


def user_language_set(*, user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
