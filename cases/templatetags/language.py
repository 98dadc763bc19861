from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def in_language(context, code: str) -> str:
    """The address of the current page in another language, its query kept (the language is
    the URL's prefix: a plain link, no form, no cookie)."""
    return translate_url(context["request"].get_full_path(), code)
