from portal.navigation import nav_items_for
from portal.utility import utility_get


def utility(request):
    return {"utility": utility_get(), "nav_items": nav_items_for(request)}
