from rest_framework.routers import DefaultRouter

from .views import ApplicationViewSet, RoundViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("admissions/rounds", RoundViewSet, basename="api-admission-round")
router.register("admissions/applications", ApplicationViewSet, basename="api-admission-application")

urlpatterns = router.urls
