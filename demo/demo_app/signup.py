"""A signup form built on djust's own form support, validated live as the user types.

``FormMixin`` sends every keystroke as djust's standard ``validate_field`` event,
``{"field": "password", "value": "<what was typed>"}``: the password arrives under
the key ``value``, which is what the panel's masking by context is for.
"""

from django import forms
from djust import LiveView
from djust.forms import FormMixin


class SignupForm(forms.Form):
    """Username, email, and a password typed twice."""

    username = forms.CharField(min_length=3, max_length=30)
    email = forms.EmailField()
    password = forms.CharField(min_length=8, widget=forms.PasswordInput)
    password_confirm = forms.CharField(label="Confirm password", widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", "The two passwords differ.")
        return cleaned


class SignupView(FormMixin, LiveView):
    """Signup with live validation per field; submitting checks the whole form."""

    form_class = SignupForm
    template_name = "demo_app/signup.html"
    time_travel_enabled = True
    # What djust's check V014 asks for; the panel masks these names at any depth
    # (here inside form_data) and wherever their values show up in an event.
    time_travel_excluded_fields = ["email", "password", "password_confirm"]
    login_required = False

    def form_valid(self, form):
        self.success_message = f"Welcome, {form.cleaned_data['username']}!"
        self.error_message = ""

    def form_invalid(self, form):
        self.success_message = ""
        self.error_message = "Please correct the errors below."
