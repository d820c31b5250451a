from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import ApiTokenForm, LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    return render(request, "people/home.html", selectors.home_summary(visible_to=request.user))


@never_cache  # the page shows a new key once: it must not be kept by any cache
@login_required
def token_list(request):
    """API tokens of the units the caller manages; a new key is shown once, right after creation."""
    units = selectors.token_units(visible_to=request.user)
    form = ApiTokenForm(request.POST or None, units=units)
    new_key = None
    if request.method == "POST" and form.is_valid():
        token, new_key = services.create_api_token(
            org_unit=form.cleaned_data["org_unit"],
            name=form.cleaned_data["name"],
            can_write=form.cleaned_data["can_write"],
            by=request.user,
        )
        messages.success(
            request, _("Đã tạo khóa “%(name)s”. Sao chép khóa ngay: khóa sẽ không hiển thị lại.") % {"name": token.name}
        )
        form = ApiTokenForm(units=units)
    tokens = selectors.list_api_tokens(visible_to=request.user)
    context = {"form": form, "tokens": tokens, "new_key": new_key, "can_manage": units.exists()}
    return render(request, "people/token_list.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(selectors.list_api_tokens(visible_to=request.user), pk=token_id)
    services.revoke_api_token(token=token)
    messages.success(request, _("Đã thu hồi khóa “%(name)s”.") % {"name": token.name})
    return redirect("token-list")


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' lockout answer: 429 with the real cool-off time."""
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
