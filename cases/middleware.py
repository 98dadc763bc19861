from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation

# Nothing the portal accepts is larger (a 10 MB document, pasted, and its preview form).
MAX_REQUEST_BYTES = 25 * 1024 * 1024


def reject_bad_requests(get_response):
    """Refuse, before any view, what no real reader sends: a body over 25 MB (413), more
    parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS, and NUL characters, which PostgreSQL can
    neither store nor compare (400).  The API answers in its documented JSON shape, every
    other address with a plain page, in DEBUG as in production."""

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
        try:
            values = [*request.GET.keys(), *(v for vs in request.GET.lists() for v in vs[1])]
            if request.method == "POST" and request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                values += [v for vs in request.POST.lists() for v in vs[1]]
        except (TooManyFieldsSent, TooManyFilesSent):
            return _bad_request(request, "参数过多 · Too many parameters")
        if "\x00" in request.path or any("\x00" in v for v in values):
            return _bad_request(request, "参数含有无效字符 (NUL) · Parameters contain an invalid character (NUL)")
        return get_response(request)

    return middleware


def _bad_request(request, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message, "detail": {}}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


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
