from rest_framework.routers import DefaultRouter

from .views import DiplomaVerificationViewSet, DossierViewSet, ProcedureViewSet, PublicDossierViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("procedures", ProcedureViewSet, basename="api-procedure")
router.register("dossiers", PublicDossierViewSet, basename="api-dossier-public")
router.register("dossier-inbox", DossierViewSet, basename="api-dossier")
router.register("diploma-verifications", DiplomaVerificationViewSet, basename="api-diploma-verification")

urlpatterns = router.urls
