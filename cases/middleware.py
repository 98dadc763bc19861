from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation

# Nothing the portal accepts is larger (a 10 MB document, pasted, and its preview form).
MAX_REQUEST_BYTES = 25 * 1024 * 1024


def reject_nul_bytes(get_response):
    """Refuse parameters with NUL characters: PostgreSQL cannot store or compare
    them, and a request carrying one is never a real reader's (400, not 500)."""

    def middleware(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_REQUEST_BYTES:
            # Refused before the body is read: a 100 MB upload costs neither memory nor disk.
            return HttpResponse(
                "请求过大 · Request too large (25 MB)", status=413, content_type="text/plain; charset=utf-8"
            )
        values = [*request.GET.keys(), *(v for vs in request.GET.lists() for v in vs[1])]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            values += [v for vs in request.POST.lists() for v in vs[1]]
        if "\x00" in request.path or any("\x00" in v for v in values):
            message = "参数含有无效字符 (NUL) · Parameters contain an invalid character (NUL)"
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message, "detail": {}}, status=400)
            return HttpResponseBadRequest(message)
        return get_response(request)

    return middleware


def language_from_path(get_response):
    """The language is the URL's: English under /en/, Chinese everywhere else (admin and API
    included).  Neither the Accept-Language header nor a cookie is read, so a public page is
    the same for every reader of its address and a shared cache may keep it (Django's
    LocaleMiddleware would add ``Vary: Accept-Language`` to every unprefixed page)."""

    def middleware(request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

    return middleware
